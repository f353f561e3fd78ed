"""Curated technology vocabularies for the offline enrichment (stage 5) and summary (stage 7).

Hand-written lists, reviewed like code. Terms are normalised lower-case phrases matched on
word boundaries against skill names and JD text. A term belongs to the newest era it is
mostly hired for today: "kubernetes" is modern, "java" established, "cobol" legacy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EMERGING: frozenset[str] = frozenset({
    "llm", "llms", "large language model", "large language models", "genai", "gen ai",
    "generative ai", "rag", "retrieval augmented generation", "retrieval-augmented generation",
    "vector database", "vector databases", "langchain", "llamaindex", "llama index",
    "prompt engineering", "fine-tuning", "fine tuning", "rlhf", "transformers",
    "diffusion models", "stable diffusion", "ai agents", "agentic", "multi-agent", "jax",
    "pallas", "triton", "vllm", "tensorrt-llm", "deepspeed", "fsdp", "megatron", "mlops",
    "llmops", "hugging face", "huggingface", "openai", "gpt", "gpt-4", "claude", "gemini",
    "pinecone", "weaviate", "qdrant", "milvus", "chromadb", "mojo", "webgpu", "webassembly",
    "wasm", "edge ai", "foundation models", "frontier ai", "embeddings", "mcp",
    "quantum computing", "zero-knowledge", "distributed training",
})

MODERN: frozenset[str] = frozenset({
    "kubernetes", "docker", "terraform", "helm", "argo", "argocd", "istio", "react", "next.js",
    "vue", "vue.js", "angular", "svelte", "typescript", "node.js", "graphql", "aws", "gcp",
    "google cloud", "azure", "serverless", "lambda", "microservices", "kafka", "spark",
    "pyspark", "databricks", "snowflake", "dbt", "airflow", "prefect", "dagster", "pytorch",
    "tensorflow", "scikit-learn", "keras", "go", "golang", "rust", "kotlin", "swift",
    "flutter", "react native", "ci/cd", "github actions", "gitlab ci", "prometheus", "grafana",
    "opentelemetry", "elasticsearch", "redis", "mongodb", "postgresql", "fastapi",
    "cloud native", "cloud-native", "devops", "sre", "infrastructure as code", "cuda",
    "machine learning", "deep learning", "data lake", "lakehouse", "bigquery", "redshift",
})

ESTABLISHED: frozenset[str] = frozenset({
    "java", "python", "sql", "c++", "c#", ".net", "javascript", "linux", "unix", "oracle",
    "mysql", "sql server", "git", "rest", "html", "css", "spring", "spring boot", "sap",
    "excel", "tableau", "power bi", "jenkins", "ansible", "bash", "shell scripting", "php",
    "ruby", "ruby on rails", "django", "flask", "hadoop", "windows server", "vmware",
    "active directory", "tcp/ip", "networking", "salesforce", "jira", "agile", "scrum",
})

LEGACY: frozenset[str] = frozenset({
    "cobol", "fortran", "mainframe", "as/400", "as400", "rpg", "jcl", "cics", "vb6",
    "visual basic 6", "vba", "delphi", "perl", "coldfusion", "foxpro", "visual foxpro",
    "lotus notes", "powerbuilder", "silverlight", "flash", "actionscript", "svn",
    "subversion", "cvs", "clearcase", "solaris", "hp-ux", "aix", "struts", "ejb", "j2ee",
    "jsp", "classic asp", "asp classic", "vbscript", "jquery", "windows xp", "ie6",
    "websphere", "weblogic", "informix", "sybase", "pascal", "ms access", "microsoft access",
})

# what makes a skill or a title an AI/ML one
AI_TERMS: frozenset[str] = frozenset({
    "ai", "a.i.", "artificial intelligence", "ml", "machine learning", "deep learning",
    "neural network", "neural networks", "llm", "llms", "large language model",
    "large language models", "genai", "gen ai", "generative ai", "nlp",
    "natural language processing", "computer vision", "mlops", "llmops", "data science",
    "data scientist", "pytorch", "tensorflow", "jax", "keras", "scikit-learn", "xgboost",
    "hugging face", "transformers", "langchain", "llamaindex", "prompt engineering", "rag",
    "reinforcement learning", "rlhf", "fine-tuning", "embeddings", "vector database",
    "diffusion models", "ai/ml", "ml/ai", "applied scientist", "model training",
    "distributed training", "predictive modeling", "predictive modelling", "recommender systems",
    "speech recognition", "chatbot", "chatbots", "ai agents", "openai", "gpt",
})


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (for word lists written as prose)."""
    return frozenset(text.split())


def compile_terms(terms: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of ``terms`` as a whole word/phrase."""
    alternatives = sorted({t.lower() for t in terms}, key=len, reverse=True)
    body = "|".join(re.escape(t) for t in alternatives)
    return re.compile(rf"(?<![\w+#-])(?:{body})(?![\w+#])", re.IGNORECASE)


EMERGING_RE = compile_terms(EMERGING)
MODERN_RE = compile_terms(MODERN)
ESTABLISHED_RE = compile_terms(ESTABLISHED)
LEGACY_RE = compile_terms(LEGACY)
AI_RE = compile_terms(AI_TERMS)


def found(pattern: re.Pattern[str], texts: Iterable[str]) -> list[str]:
    """The distinct terms of ``pattern`` found in ``texts``, lower-cased, first-seen order."""
    seen: dict[str, None] = {}
    for text in texts:
        for m in pattern.finditer(text):
            seen.setdefault(m.group(0).lower(), None)
    return list(seen)
