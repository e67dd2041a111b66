"""Conversation state storage: trackers with idle expiry, de-duplication keys with the
cached answer, and per-sender locks; in-process (`memory`) or shared (`redis`)."""
