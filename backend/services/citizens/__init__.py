"""Citizens behind channel identities, their verification, conversations and limits."""
