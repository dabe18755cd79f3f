"""Telling other systems what happens in a hall: webhooks delivered from the ledger."""
