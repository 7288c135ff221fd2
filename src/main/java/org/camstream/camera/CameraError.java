package org.camstream.camera;

import java.time.Instant;

/** Why a capture process ended or could not start, and when; the message has its secrets masked. */
public record CameraError(String message, Instant at) {
}
