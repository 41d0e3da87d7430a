"""Storage and search: embeddings, Chroma, BM25, the chunk registry."""
