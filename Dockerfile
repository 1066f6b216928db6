# One image recipe for every part of the suite; docker-compose.yml builds it per role with these arguments:
#   SERVICE       gateway | translate | align | project | ner  (the default command serves its API; workers
#                 of the same image run `xner worker SERVICE`)
#   APT_PACKAGES  Debian packages it needs (Apertium for the translate service)
# What a role installs is pyproject.toml's [tool.xner.images] table: its extras, less the base dependencies it
# never imports (the gateway image carries no scipy, numba, eflomal or torch). The first stage turns that table
# into the role's requirements.txt; the second installs it in a layer of its own, keyed by that file's content,
# so a change to the code, the README or an unrelated part of pyproject.toml does not re-install the requirements.
FROM python:3.11-slim AS requirements
ARG SERVICE=gateway
WORKDIR /build
COPY pyproject.toml ./
COPY scripts/image_requirements.py ./
RUN python image_requirements.py "$SERVICE" --pyproject pyproject.toml > requirements.txt

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
COPY --from=requirements /build/requirements.txt ./
RUN pip install --no-cache-dir --requirement requirements.txt
COPY pyproject.toml README.md ./
COPY xner ./xner
COPY services ./services
COPY gateway ./gateway
RUN pip install --no-cache-dir --no-deps .
RUN useradd --create-home --uid 10001 xner && mkdir -p /models && chown 10001 /models
USER 10001
EXPOSE 8000-8004
CMD ["sh", "-c", "exec xner serve --service \"$XNER_SERVICE\" --host 0.0.0.0"]
