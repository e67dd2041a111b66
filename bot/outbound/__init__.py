"""Outbound sending: a queue of send jobs (in-process or Redis), senders per provider
(Twilio-compatible REST, WeChat, log-only), and the worker that sends with retries and
records every attempt on the `OutboundMessage` row."""
