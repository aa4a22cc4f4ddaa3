# The Passerelle app (`passerelle run`, `passerelle migrate`, every command) on PostgreSQL.
# Rasa runs beside it from the official image (docker-compose.yml); see docs/deployment.md.
#
# Two stages: the first installs exactly the locked versions (requirements/app.txt, with
# hashes, as scripts/install-app does); the second copies the environment and the sources
# onto a clean image: no compiler, no uv cache, a user without a shell that owns only its
# data directory.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1 UV_NO_CACHE=1
WORKDIR /app
COPY requirements/app.txt requirements/app.txt
COPY scripts/bootstrap-uv scripts/bootstrap-uv
RUN python -m venv /opt/venv \
 && scripts/bootstrap-uv /opt/venv \
 && /opt/venv/bin/uv pip sync --python /opt/venv/bin/python --require-hashes requirements/app.txt
COPY pyproject.toml README.md ./
COPY bot bot
COPY adapters adapters
# Editable, like scripts/install-app: the migrations, flows and NLU data are read from /app.
RUN /opt/venv/bin/uv pip install --python /opt/venv/bin/python --no-deps -e . \
 && rm -rf scripts requirements

FROM ${PYTHON_IMAGE}
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin passerelle \
 && install -d -o passerelle -g passerelle -m 0700 /var/lib/passerelle
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --from=build /app /app
COPY flows flows
COPY nlu_data nlu_data
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PASSERELLE_VAR_DIR=/var/lib/passerelle
USER passerelle
EXPOSE 8000
# /healthz is 200 while the database answers (the NLU state is in its body, /readyz waits
# for it): a replica whose database is gone is marked unhealthy.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["passerelle", "run", "--host", "0.0.0.0", "--port", "8000"]
