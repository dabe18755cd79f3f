"""The Lua script that puts committed events on a hall's stream in seq order, each once."""

from __future__ import annotations

# KEYS: published, stream. ARGV: expected published seq ('' = the stream is gone: start it
# afresh), maxlen, ttl, (seq, event_json)*. Appends only if the stream is still at the
# expected seq. Returns the published seq afterwards (the caller's last seq on success).
PUBLISH = """
local current = redis.call('GET', KEYS[1])
if (current or '') ~= ARGV[1] then return current or '' end
if not current then redis.call('DEL', KEYS[2]) end
local last = current
for i = 4, #ARGV, 2 do
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], ARGV[i] .. '-0', 'e', ARGV[i + 1])
  last = ARGV[i]
end
redis.call('SET', KEYS[1], last, 'EX', ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return last
"""
