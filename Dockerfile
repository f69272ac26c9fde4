# Shareline in a container. Build: docker build -t shareline .  (docker compose up does it for you)
FROM golang:1.27-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/shareline ./cmd/shareline

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/shareline /shareline
ENV SHARELINE_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/shareline"]
CMD ["serve"]
