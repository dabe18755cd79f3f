"""The Lua scripts that make each step of a hall one atomic action across all processes."""

from __future__ import annotations

# KEYS: seq, state, stream. ARGV: base_seq, new_seq, maxlen, n_set, (field, value)*n_set,
# n_del, field*n_del, n_events, (id, event_json, changes_json or "")*n_events.
# Returns 1 appended, -1 no live state (rebuild it from the record), -2 stale (decide again).
APPEND = """
local current = redis.call('GET', KEYS[1])
if not current then return -1 end
if tonumber(current) ~= tonumber(ARGV[1]) then return -2 end
local i = 4
local n_set = tonumber(ARGV[i]); i = i + 1
for _ = 1, n_set do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]); i = i + 2
end
local n_del = tonumber(ARGV[i]); i = i + 1
for _ = 1, n_del do
  redis.call('HDEL', KEYS[2], ARGV[i]); i = i + 1
end
local n_events = tonumber(ARGV[i]); i = i + 1
for _ = 1, n_events do
  if ARGV[i + 2] == '' then
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], ARGV[i], 'e', ARGV[i + 1])
  else
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], ARGV[i], 'e', ARGV[i + 1], 'c', ARGV[i + 2])
  end
  i = i + 3
end
redis.call('SET', KEYS[1], ARGV[2])
return 1
"""

# KEYS: seq, state, stream. ARGV: seq, (field, value)*. Loads a hall's live state from the
# record unless another process already did. Returns 1 loaded, 0 already there.
LOAD = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
"""
