package org.camstream.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.camstream.config.SettingKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link RtspPath}: which camera, and which of its tracks, a request URI names. */
class RtspPathTest {

    private static RtspPath path(String camera, int track) {
        return new RtspPath(camera, track);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rtsp://host:8554/", "rtsp://host:8554", "rtsp://host", "/", "rtsp://host:8554/?tcp",
        "rtsp://host:8554/#x", "RTSP://HOST:8554/", "rtsps://host/", "rtsp://[::1]:8554/", "rtsp://user:pw@host:8554/",
        "rtsp://host:8554//"})
    void theRootIsTheFirstCamerasWholePresentation(String uri) {
        assertEquals(path(null, RtspPath.AGGREGATE), RtspPath.parse(uri), uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rtsp://host:8554/garden", "rtsp://host:8554/garden/", "/garden", "/garden/",
        "rtsp://10.0.0.2/garden?user=admin&channel=1", "rtsp://host/garden#frag", "rtsp://host//garden//"})
    void aCameraByName(String uri) {
        assertEquals(path("garden", RtspPath.AGGREGATE), RtspPath.parse(uri), uri);
    }

    @Test
    void theTracksAreTheSdpsControls() {
        assertEquals(path("garden", RtspPath.VIDEO), RtspPath.parse("rtsp://host:8554/garden/trackID=0"));
        assertEquals(path("garden", RtspPath.AUDIO), RtspPath.parse("rtsp://host:8554/garden/trackID=1"));
        assertEquals(path("garden", RtspPath.AUDIO), RtspPath.parse("rtsp://host:8554/garden/trackID=1/?x=y"),
                "a query after the control, as some NVRs add");
        assertEquals(path("garden", RtspPath.VIDEO), RtspPath.parse("/garden/trackID=0"));
    }

    @Test
    void aTrackOfTheFirstCameraAtTheRoot() {
        // The SDP of rtsp://host:8554/ says control trackID=0, which a client resolves to rtsp://host:8554/trackID=0.
        assertEquals(path(null, RtspPath.VIDEO), RtspPath.parse("rtsp://host:8554/trackID=0"));
        assertEquals(path(null, RtspPath.AUDIO), RtspPath.parse("/trackID=1"));
    }

    @Test
    void theTrackNumbersAreTheOnesRtspPathNames() {
        assertEquals(-1, RtspPath.AGGREGATE);
        assertEquals(0, RtspPath.VIDEO);
        assertEquals(1, RtspPath.AUDIO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/garden/trackID=2", "/garden/trackID=", "/garden/trackID=01", "/garden/trackid=1",
        "/garden/TRACKID=1", "/garden/track1", "/garden/trackID=1/trackID=0", "/garden/trackID=1/more"})
    void otherTracksNameNothing(String uri) {
        assertNull(RtspPath.parse(uri), uri);
    }

    @Test
    void camerasAreNamedAsTheSettingsNameThem() {
        // A camera that can be configured must be reachable, and nothing else.
        String longest = "a" + "-".repeat(30) + "9";
        assertEquals(32, longest.length());
        assertTrue(SettingKey.CAMERA_NAME.matcher(longest).matches());
        assertEquals(path(longest, RtspPath.AGGREGATE), RtspPath.parse("/" + longest));
        assertFalse(SettingKey.CAMERA_NAME.matcher(longest + "x").matches());
        assertNull(RtspPath.parse("/" + longest + "x"));
        assertEquals(path("0", RtspPath.AGGREGATE), RtspPath.parse("/0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/Garden", "/-garden", "/gar_den", "/gar.den", "/garden/extra", "/garden/../admin",
        "/../garden", "/gar%64en", "/garden%2ftrackID=1", "/caf\u00e9", "/gar den"})
    void badNamesNameNothing(String uri) {
        // Percent-encoding is not decoded: a camera's name never needs it, so an encoded one is no camera.
        assertNull(RtspPath.parse(uri), uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "garden", "garden/trackID=0", "http://host/garden", "rtp://host/garden",
        "rtsp:/host/garden"})
    void uriFormsOtherThanRtspUrlsAndAbsolutePathsNameNothing(String uri) {
        // "*" (OPTIONS) and relative references name no camera.
        assertNull(RtspPath.parse(uri), uri);
    }

    @Test
    void anEmptyPathWithOrWithoutAQueryIsTheRoot() {
        // The reader refuses an empty URI before it gets here; a bare query is the root's.
        assertEquals(path(null, RtspPath.AGGREGATE), RtspPath.parse(""));
        assertEquals(path(null, RtspPath.AGGREGATE), RtspPath.parse("?x"));
    }
}
