package org.camstream.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camstream.camera.Camera;
import org.camstream.rtsp.RtspServer;

/** The {@code rtsp} entries of {@code /api/status}: the server's port and trouble, and each camera's clients. */
final class RtspDocument {

    private RtspDocument() {
    }

    static Map<String, Object> server(RtspServer rtsp) {
        Map<String, Object> document = new LinkedHashMap<>();
        if (rtsp == null) {
            document.put("state", "off");
            return document;
        }
        RtspServer.Status s = rtsp.status();
        document.put("state", s.listening() ? "listening" : "waiting");
        document.put("port", s.port());
        document.put("udpPorts", s.udpRtpPort() == null ? null : List.of(s.udpRtpPort(), s.udpRtpPort() + 1));
        document.put("problem", s.problem());
        document.put("connections", s.connections());
        document.put("sessions", s.sessions());
        return document;
    }

    /** The camera's path on the RTSP server and its clients: address, transport, bytes and drops. */
    static Map<String, Object> camera(RtspServer rtsp, Camera camera) {
        Map<String, Object> document = new LinkedHashMap<>();
        if (rtsp == null) {
            document.put("state", "off");
            return document;
        }
        document.put("port", rtsp.port());
        document.put("path", "/" + camera.name());
        List<Map<String, Object>> clients = new ArrayList<>();
        for (RtspServer.Client c : rtsp.clients(camera.name())) {
            Map<String, Object> client = new LinkedHashMap<>();
            client.put("address", c.address());
            client.put("transport", c.transport());
            client.put("state", c.state());
            client.put("since", c.since().toString());
            client.put("bytes", c.bytes());
            client.put("packets", c.packets());
            client.put("droppedPictures", c.droppedPictures());
            client.put("droppedPackets", c.droppedPackets());
            clients.add(client);
        }
        document.put("clients", clients);
        return document;
    }
}
