"""The supervisor's reports and plan page, and the report, plan and crowded-periods API routes.

The figures come from `queue_server.reports` (ledger reader, report and planner engines).
"""
