"""Outbound notices: the outbox, their texts, subscriptions and delivery records."""
