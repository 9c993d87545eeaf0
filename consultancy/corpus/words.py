"""
The vocabulary of the synthetic corpus (consultancy.corpus.plan): word lists
that names, definitions and bodies are assembled from. Our own words.
"""

# Modifiers start with most letters of the alphabet (and a few with a digit),
# so that every page of the A–Z index has terms.
MODIFIERS = [
    "Adaptive", "Adversarial", "Autoregressive", "Bayesian", "Bidirectional", "Causal",
    "Contrastive", "Cross-Lingual", "Dense", "Differentiable", "Distributed", "Dynamic",
    "Elastic", "Ensemble", "Explainable", "Federated", "Few-Shot", "Generative",
    "Graph-Based", "Hierarchical", "Hybrid", "Incremental", "Instruction-Tuned",
    "Interpretable", "Joint", "Kernel", "Knowledge-Grounded", "Latent", "Lightweight",
    "Low-Rank", "Masked", "Multilingual", "Multimodal", "Neural", "Noisy", "Offline",
    "Online", "Pretrained", "Probabilistic", "Quantised", "Quantum-Inspired", "Recurrent",
    "Residual", "Robust", "Self-Supervised", "Semantic", "Sparse", "Stochastic", "Temporal",
    "Tree-Structured", "Uncertainty-Aware", "Unsupervised", "Variational", "Vision-Language",
    "Weakly Supervised", "Weighted", "Zero-Shot", "3D", "4-Bit",
]  # fmt: skip
DOMAINS = [
    "Agent", "Anomaly", "Attention", "Context", "Data", "Diffusion", "Document", "Embedding",
    "Feature", "Gradient", "Image", "Inference", "Knowledge", "Language", "Latency", "Memory",
    "Policy", "Preference", "Prompt", "Query", "Ranking", "Retrieval", "Reward", "Sequence",
    "Signal", "Similarity", "Speech", "Tensor", "Token", "Vector", "Vision",
]  # fmt: skip
HEADS = [
    "Adapter", "Alignment", "Benchmark", "Cache", "Classifier", "Clustering", "Compression",
    "Decoder", "Detector", "Distillation", "Encoder", "Estimator", "Evaluation", "Fine-Tuning",
    "Gate", "Generator", "Guardrail", "Head", "Index", "Layer", "Loss", "Mixture", "Model",
    "Network", "Normalisation", "Optimiser", "Pipeline", "Planner", "Projection", "Pruning",
    "Regularisation", "Router", "Sampling", "Scheduler", "Search", "Segmentation", "Store",
    "Tokeniser", "Transformer",
]  # fmt: skip
# Heads that name an activity rather than a thing ("a pruning technique").
TECHNIQUES = {
    "Alignment", "Clustering", "Compression", "Distillation", "Evaluation", "Fine-Tuning",
    "Normalisation", "Pruning", "Regularisation", "Sampling", "Search", "Segmentation",
}  # fmt: skip
VERBS = [
    "ranks", "compresses", "aligns", "filters", "routes", "scores", "clusters", "summarises",
    "embeds", "predicts", "reweights", "caches", "retrieves", "generates", "labels", "tracks",
]  # fmt: skip
OBJECTS = [
    "candidate documents", "token sequences", "user queries", "sensor readings",
    "model outputs", "training examples", "image patches", "feature vectors", "agent actions",
    "reward signals", "long contexts", "tabular records", "audio frames", "search results",
]  # fmt: skip
PURPOSES = [
    "to cut inference cost", "so that answers stay grounded in source data",
    "without labelled data", "under tight latency budgets", "across many languages",
    "while keeping memory use flat", "to improve accuracy on rare cases",
    "so that every decision can be audited", "at production scale", "on commodity hardware",
]  # fmt: skip
COSTS = ["latency", "memory use", "training time", "GPU hours", "labelling effort"]
STAGES = [
    "data pipeline", "feature store", "retriever", "re-ranker", "serving layer",
    "evaluation harness", "training loop", "monitoring stack",
]  # fmt: skip
RISKS = [
    "silent drift when the input distribution shifts",
    "overfitting to a small validation set",
    "latency spikes on unusually long inputs",
    "leaking personal data into logs",
    "benchmarks that do not reflect real traffic",
]  # fmt: skip
SENTENCES = [
    "It is often paired with {other}, which handles the {object} that {name} leaves out.",
    "Teams usually adopt it once a first prototype built on {other} reaches its limits.",
    "Compared with {other}, it trades a little accuracy for much lower {cost}.",
    "The idea grew out of research on {other} and borrows much of its training recipe.",
    "In production it sits between the {stage} and the {stage2}, close to {other}.",
    "Most implementations expose one setting that controls how aggressively it {verb} {object}.",
    "Because it {verb} {object} in batches, throughput grows almost linearly with hardware.",
    "A common mistake is to tune it in isolation: measure it together with {other} instead.",
    "Evaluation should cover rare cases as well as the average, because failures cluster there.",
    "The approach works best when {object} are plentiful and labels are scarce.",
    "Results depend heavily on data quality, so clean the {object} before anything else.",
    "Combined with {other}, it reduces errors on long-tail inputs noticeably.",
    "Monitoring drift in the {object} tells you when it needs retraining.",
    "Open-source implementations exist for most frameworks, so a proof of concept takes days.",
    "Its main cost is {cost}, which grows with the number of {object} it has to keep.",
    "Regulated industries value it because each result can be traced back to its {object}.",
    "Unlike {other}, it needs no separate training run for each new use case.",
    "We usually benchmark it against {other} on the client's own {object} before deciding.",
]  # fmt: skip
BULLETS = [
    "**Inputs:** {object} and, optionally, the output of {other}.",
    "**Outputs:** scored {object}, ready for the {stage}.",
    "**Main cost:** {cost}, which you can trade against quality.",
    "**Works well with:** {other}.",
    "**Watch out for:** {risk}.",
    "**Alternative:** {other}, when {cost} matters more than recall.",
]  # fmt: skip
HEADINGS = [
    "How {name} works", "How it works", "When to use it", "Trade-offs", "In practice",
    "Getting started", "What to measure",
]  # fmt: skip
SERVICE_AREAS = [
    "Retrieval", "Agent", "Computer Vision", "Speech", "Forecasting", "Recommendation",
    "Document AI", "Search", "Model Evaluation", "MLOps", "Data Platform", "Fraud Detection",
    "Customer Support AI", "Knowledge Graph", "Edge AI",
]  # fmt: skip
SERVICE_KINDS = [
    "Strategy & Roadmapping", "Proof of Concept", "Platform Engineering", "Audit & Review",
    "Team Training", "Production Launch", "Cost Optimisation", "Managed Operations",
]  # fmt: skip
TOOLS = [
    "PyTorch", "TensorFlow", "JAX", "ONNX Runtime", "Triton Inference Server", "Ray",
    "Kubeflow", "MLflow", "LangChain", "LlamaIndex", "pgvector", "Weaviate", "Qdrant", "Milvus",
    "FAISS", "vLLM", "spaCy", "scikit-learn", "XGBoost", "Apache Spark", "Apache Airflow",
    "Dagster", "Apache Kafka", "Elasticsearch", "OpenSearch", "DuckDB", "Polars",
    "Label Studio", "Kubernetes", "Terraform", "Weights & Biases", "DVC", "BentoML", "OpenCV",
]  # fmt: skip
TOOL_KINDS = ["Integration", "Development", "Deployment", "Consulting", "Migration"]
TAGS = [
    "NLP", "Computer Vision", "MLOps", "Generative AI", "Retrieval", "Agents", "Evaluation",
    "AI Safety", "Optimisation", "Data Engineering", "Speech", "Reinforcement Learning",
    "Statistics", "Infrastructure", "Privacy", "Search", "Deep Learning", "Classical ML",
    "Forecasting", "Edge AI", "Responsible AI", "Training", "Inference", "Multimodal",
]  # fmt: skip
