"""Tokenizers: split a message into words with character offsets."""
