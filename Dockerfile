# One image recipe for every part of the suite; docker-compose.yml builds it per role with these arguments:
#   SERVICE       gateway | translate | align | project | ner  (the default command serves its API; workers
#                 of the same image run `xner worker SERVICE`)
#   APT_PACKAGES  Debian packages it needs (Apertium for the translate service)
# What a role installs is pyproject.toml's [tool.xner.images] table: its extras, less the base dependencies it
# never imports (the gateway image carries no scipy, numba, eflomal or torch). The requirements install in their
# own layer, before the code, so a code change rebuilds only the last layers.
FROM python:3.11-slim
ARG SERVICE=gateway
ARG APT_PACKAGES=""
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 XNER_MODEL_DIR=/models HF_HOME=/models/hf XNER_SERVICE=${SERVICE}
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# Debian packages follow the base image's release (no version pins: its archive keeps one version per release).
# hadolint ignore=DL3008
RUN if [ -n "$APT_PACKAGES" ]; then apt-get update && apt-get install -y --no-install-recommends $APT_PACKAGES \
    && rm -rf /var/lib/apt/lists/*; fi
WORKDIR /app
COPY pyproject.toml README.md ./
COPY scripts/image_requirements.py ./scripts/
RUN python scripts/image_requirements.py "$SERVICE" > requirements.txt \
    && pip install --no-cache-dir --requirement requirements.txt
COPY xner ./xner
COPY services ./services
COPY gateway ./gateway
RUN pip install --no-cache-dir --no-deps .
RUN useradd --create-home --uid 10001 xner && mkdir -p /models && chown 10001 /models
USER 10001
EXPOSE 8000-8004
CMD ["sh", "-c", "exec xner serve --service \"$XNER_SERVICE\" --host 0.0.0.0"]
