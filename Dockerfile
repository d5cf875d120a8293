# caseaudit's container image: `caseaudit serve` by default, `caseaudit worker` for the job runner, any other
# caseaudit command the same way. Built in two stages so that no compiler, Node.js or npm reaches the image
# that runs: the first builds the front end and the Python environment, the second only runs them.
#
#   docker build -t caseaudit .
#   docker compose up          (PostgreSQL, the web app and a worker: see compose.yaml and docs/operations.md)
#
# Debian's own Python 3.11 in both stages, so that the environment built in the first runs in the second.
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates python3 python3-venv python3-dev gcc nodejs npm \
    && rm -rf /var/lib/apt/lists/*
# A proxy that inspects HTTPS needs its certificate trusted here (docker/ca-certificates/README.md).
COPY docker/ca-certificates/ /usr/local/share/ca-certificates/
RUN update-ca-certificates --fresh > /dev/null
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt
# The front end builds with Node.js 20 or newer (package.json), newer than Debian's: take Node.js itself from
# the npm registry, where it is published as a package for each processor, with Debian's npm.
ARG NODE_VERSION=22.23.5
RUN arch="$(dpkg --print-architecture | sed -e s/amd64/x64/)" \
    && npm install --global --no-audit --no-fund --loglevel=error "node-linux-$arch@$NODE_VERSION" \
    && ln -sf "/usr/local/lib/node_modules/node-linux-$arch/bin/node" /usr/local/bin/node \
    && node --version
WORKDIR /build
# The front end first: it changes less often than the code, so its layer is usually reused.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY requirements.lock pyproject.toml README.md LICENSE ./
COPY scripts/build-assets.sh scripts/
COPY src src
RUN sh scripts/build-assets.sh
# Only what caseaudit needs to run, at the locked versions: the lock's test and lint tools stay out.
RUN python3 -m venv /opt/caseaudit \
    && /opt/caseaudit/bin/pip install --no-cache-dir --quiet --constraint requirements.lock . \
    && find /opt/caseaudit -name "__pycache__" -prune -exec rm -rf {} +

FROM ${BASE}
# Python, and what the committee paper's PDF needs (pango and fonts). No compiler, no package manager cache.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates python3 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /var/lib/caseaudit --create-home --shell /usr/sbin/nologin caseaudit
COPY --from=build /opt/caseaudit /opt/caseaudit
ENV PATH=/opt/caseaudit/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    CASEAUDIT_DATA_DIR=/var/lib/caseaudit
USER caseaudit
WORKDIR /var/lib/caseaudit
VOLUME ["/var/lib/caseaudit"]
EXPOSE 8000
# /healthz needs no session and shows no data: database, migrations and the job queue.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python3 -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
ENTRYPOINT ["caseaudit"]
CMD ["serve", "--bind", "0.0.0.0:8000"]
