"""The LLM backend: structured-output stage calls through the openai client.

``schemas``  output models per stage (part of the prompt)
``prompts``  versioned prompt files and the untrusted JD text they carry
``client``   LLMClient: cache, call log, one retry layer, one repair, concurrency
``convert``  outputs → the pipeline's types (the offline backend's types)
``embeddings`` OpenAIEmbedder: embeddings through the same client, cached per text
``rerank``   stage 3's semantic shortlist re-ranked by embedding cosine
``backend``  batch functions the stage tasks call
"""
