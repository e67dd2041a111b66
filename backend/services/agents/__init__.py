"""Customer-service accounts, sessions, the hand-off queue and what an agent sees."""
