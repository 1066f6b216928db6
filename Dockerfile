# One image recipe for every part of the suite; docker-compose.yml builds it per service with these arguments:
#   SERVICE       gateway | translate | align | project | ner  (the default command serves its API; workers
#                 of the same image run `xner worker SERVICE`)
#   EXTRAS        the pip extras the service needs (the gateway needs only `serve`: it never imports a model)
#   APT_PACKAGES  Debian packages it needs (Apertium for the translate service)
FROM python:3.11-slim
ARG SERVICE=gateway
ARG EXTRAS=serve
ARG APT_PACKAGES=""
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 XNER_MODEL_DIR=/models HF_HOME=/models/hf XNER_SERVICE=${SERVICE}
RUN if [ -n "$APT_PACKAGES" ]; then apt-get update && apt-get install -y --no-install-recommends $APT_PACKAGES \
    && rm -rf /var/lib/apt/lists/*; fi
WORKDIR /app
COPY pyproject.toml README.md ./
COPY xner ./xner
COPY services ./services
COPY gateway ./gateway
RUN pip install --no-cache-dir ".[${EXTRAS}]"
RUN useradd --create-home xner && mkdir -p /models && chown xner /models
USER xner
EXPOSE 8000-8004
CMD ["sh", "-c", "exec xner serve --service \"$XNER_SERVICE\" --host 0.0.0.0"]
