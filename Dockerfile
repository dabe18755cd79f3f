# OneWindow server image: `docker build -t onewindow .` (docs/DEPLOY.md, "Docker").
# One process per container; the hall's config.toml and its var/ folder are mounted in.
FROM python:3.11-slim-bookworm

# espeak-ng and sox: the screens' spoken calls (made on the server, offline);
# fonts-wqy-microhei: the CJK font printed tickets are drawn with.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends espeak-ng sox fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

# A user of its own, never root; its home holds the config and var/ (docs/DEPLOY.md).
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /srv/onewindow \
    --shell /usr/sbin/nologin onewindow

WORKDIR /opt/onewindow
COPY pyproject.toml README.md config.toml ./
COPY queue_server ./queue_server
COPY displays ./displays
COPY clerk_console ./clerk_console
COPY ticket_printer ./ticket_printer
RUN pip install --no-cache-dir /opt/onewindow

USER 10001:10001
WORKDIR /srv/onewindow
# The demo hall's commented config and a private var/, for a first start; mount your own
# config.toml over it, and a volume on var/ so the store outlives the container.
RUN onewindow init /srv/onewindow
VOLUME ["/srv/onewindow/var"]

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
# Listen on every interface of the container; ONEWINDOW_STORE and ONEWINDOW_BUS override
# [server] store and bus (compose.yaml sets them for the scaled-out set-up).
CMD ["onewindow", "serve", "--host", "0.0.0.0", "--port", "8000"]
