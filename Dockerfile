# syntax=docker/dockerfile:1

# The build is the README's: a static binary (no cgo), paths trimmed, the
# version stamped. The Go image is the go.mod's Go version.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/capplan ./cmd/capplan

# distroless/static: CA certificates, /etc/passwd with the nonroot user
# (65532), tzdata for the CronJob's time zones, and no shell.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/capplan /capplan
USER 65532:65532
ENTRYPOINT ["/capplan"]
CMD ["run"]
