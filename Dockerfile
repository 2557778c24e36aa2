# Tandem: `tandem serve` on port 8080. Configure with TANDEM_* variables (see README).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY src ./src
COPY migrations ./migrations
RUN pip install . \
    && useradd --create-home --uid 10001 tandem \
    && mkdir /data && chown tandem /data

USER tandem
WORKDIR /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"
CMD ["tandem", "serve", "--host", "0.0.0.0", "--port", "8080"]
