# Shareline in a container. Build: docker build -t shareline .  (docker compose up does it for you)
FROM golang:1.27.3-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/shareline ./cmd/shareline

# The PDFs are printed by headless Chromium with fonts for every script (docs/reports.md), so the
# image is Debian with those packages rather than a static distroless one.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      chromium fonts-noto-core fonts-wqy-zenhei fonts-symbola ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 65532 --home-dir /home/nonroot --create-home nonroot
COPY --from=build /out/shareline /shareline
USER 65532:65532
ENV SHARELINE_ADDR=0.0.0.0:8080 \
    SHARELINE_CHROMIUM=/usr/bin/chromium
EXPOSE 8080
ENTRYPOINT ["/shareline"]
CMD ["serve"]
