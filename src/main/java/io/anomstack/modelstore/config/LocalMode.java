package io.anomstack.modelstore.config;

/**
 * Whether the service runs in local mode: no bucket configured, so it stores models through its embedded S3 server
 * and lets anonymous loopback callers in. Storage decides it; security and the schedules only read it.
 *
 * @param active whether local mode is on
 */
public record LocalMode(boolean active) {
}
