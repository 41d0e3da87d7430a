# The two commands of the README: `make run` (ingest the bundled corpus if needed, open the chat)
# and `make test`. Both set everything up on a fresh machine first.
.PHONY: run test bench eval

export HF_HUB_OFFLINE=1
export TRANSFORMERS_OFFLINE=1
export ANONYMIZED_TELEMETRY=False
export ORT_DISABLE_TELEMETRY=1
export GRADIO_ANALYTICS_ENABLED=False

run:
	@scripts/setup.sh
	.venv/bin/minutes serve --ingest data/sample

test:
	@scripts/setup.sh --test
	.venv/bin/python -m pytest

bench:
	@scripts/setup.sh
	.venv/bin/python scripts/bench_ingest.py
	.venv/bin/python scripts/bench_ask.py

eval:
	@scripts/setup.sh
	.venv/bin/minutes eval run --plan evals/plan.toml --out eval-results
