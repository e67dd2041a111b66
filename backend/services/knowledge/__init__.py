"""The knowledge base (知识库) and finding the entry that answers a question."""
