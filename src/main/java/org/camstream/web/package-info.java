/**
 * The web application: servlets and the WebSocket endpoint, and the running application they share.
 *
 * <p>{@link org.camstream.web.FramePath} is the path of a frame from the camera to the fan-outs; the
 * servlets subscribe viewers to them. {@link org.camstream.web.StreamingResponse} writes one HTTP viewer straight
 * to Tomcat's socket, with a non-blocking vectored write per chunk; {@link org.camstream.web.WebSocketViewer}
 * one WebSocket viewer with asynchronous sends. Both write on the thread that produced the chunk, and neither
 * holds a lock while writing. {@link org.camstream.web.ViewerLimit} admits viewers up to
 * {@code max-viewers}. Errors are JSON, from {@link org.camstream.web.Responses}.
 *
 * <p>As everywhere in camstream, no component calls out while it holds its own lock.
 */
package org.camstream.web;
