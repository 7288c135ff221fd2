package org.camstream.web;

import com.fasterxml.jackson.jr.ob.JSON;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.camstream.camera.source.V4l2Device;
import org.camstream.camera.source.V4l2Devices;
import org.camstream.camera.source.CsiCamera;
import org.camstream.camera.source.CsiCameras;
import org.camstream.config.CameraSettings;
import org.camstream.config.Source;

/**
 * The devices offered on the admin page, as {@code /api/config} lists them, each with the camera that uses it:
 * the webcams for the v4l2 source, and the Raspberry Pi cameras for rpicam. Listing runs ffmpeg once per webcam
 * and rpicam-hello once, so a listing is reused for 10 s. No lock is held while they run: two requests at the
 * same moment may both list, which costs only time.
 */
public final class DeviceListing {

    /**
     * A servlet context attribute holding a {@code Supplier<String>} whose JSON, in the shape of
     * {@code /api/config}'s {@code devices}, replaces the system's listing. Tests set it, because a test machine
     * has no webcam; nothing in a deployment can. Only JDK types cross over, because the web application has a
     * class loader of its own.
     */
    public static final String ATTRIBUTE = "org.camstream.webcams";
    /** Likewise for the Raspberry Pi cameras: a {@code Supplier<String>} of {@code csiCameras}' JSON. */
    public static final String CSI_ATTRIBUTE = "org.camstream.csi-cameras";

    private static final long REUSE_NANOS = 10_000_000_000L;

    private record Listed(Object lister, List<V4l2Device> devices, long atNanos) {
    }

    private record ListedCsi(Object lister, List<CsiCamera> cameras, long atNanos) {
    }

    private final ServletContext context;
    private volatile Listed last;
    private volatile ListedCsi lastCsi;

    DeviceListing(ServletContext context) {
        this.context = context;
    }

    /**
     * Each webcam with its path, name and formats, each format with its sizes, {@code used}: the format camstream
     * asks it for with the settings of {@code current} (null: the webcam's raw default), and {@code usedBy}: the
     * camera whose device it is, or null.
     */
    List<Map<String, Object>> webcams(CameraSettings current, List<CameraSettings> cameras) {
        Supplier<List<V4l2Device>> lister = lister();
        long now = System.nanoTime();
        Listed known = last;
        if (known == null || known.lister() != lister || now - known.atNanos() > REUSE_NANOS) {
            known = new Listed(lister, List.copyOf(lister.get()), now);
            last = known;
        }
        return describe(known.devices(), current, cameras);
    }

    /** Each Raspberry Pi camera with its sensor, size and modes, and {@code usedBy}: the camera set to it, or null. */
    List<Map<String, Object>> csiCameras(List<CameraSettings> cameras) {
        Object injected = context.getAttribute(CSI_ATTRIBUTE);
        Object lister = injected instanceof Supplier<?> supplier ? supplier : CSI_SYSTEM;
        long now = System.nanoTime();
        ListedCsi known = lastCsi;
        if (known == null || known.lister() != lister || now - known.atNanos() > REUSE_NANOS) {
            List<CsiCamera> listed = injected instanceof Supplier<?> supplier ? parseCsi(String.valueOf(supplier.get()))
                    : CsiCameras.list();
            known = new ListedCsi(lister, List.copyOf(listed), now);
            lastCsi = known;
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (CsiCamera camera : known.cameras()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("index", camera.index());
            entry.put("sensor", camera.sensor());
            entry.put("width", camera.width());
            entry.put("height", camera.height());
            entry.put("modes", camera.modes());
            String usedBy = null;
            for (CameraSettings each : cameras) {
                if (each.source() == Source.RPICAM && each.cameraIndex() == camera.index()) {
                    usedBy = each.name();
                    break;
                }
            }
            entry.put("usedBy", usedBy);
            list.add(entry);
        }
        return list;
    }

    private static final Object CSI_SYSTEM = new Object();

    @SuppressWarnings("unchecked")
    private static List<CsiCamera> parseCsi(String json) {
        try {
            List<CsiCamera> cameras = new ArrayList<>();
            for (Object entry : JSON.std.listFrom(json)) {
                Map<String, Object> camera = (Map<String, Object>) entry;
                List<String> modes = new ArrayList<>();
                for (Object mode : (List<Object>) camera.getOrDefault("modes", List.of())) {
                    modes.add(String.valueOf(mode));
                }
                cameras.add(new CsiCamera(((Number) camera.get("index")).intValue(), String.valueOf(camera.get("sensor")),
                        ((Number) camera.get("width")).intValue(), ((Number) camera.get("height")).intValue(), modes));
            }
            return cameras;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the injected camera listing is not valid: " + e, e);
        }
    }

    private Supplier<List<V4l2Device>> lister() {
        Object injected = context.getAttribute(ATTRIBUTE);
        if (injected instanceof Supplier<?> supplier) {
            return injectedListers.computeIfAbsent(supplier, s -> () -> parse(String.valueOf(supplier.get())));
        }
        return SYSTEM;
    }

    /** One lister per injected supplier, so that the reuse of a listing notices when the supplier changes. */
    private final Map<Object, Supplier<List<V4l2Device>>> injectedListers =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    @SuppressWarnings("unchecked")
    private static List<V4l2Device> parse(String json) {
        try {
            List<V4l2Device> devices = new ArrayList<>();
            for (Object entry : JSON.std.listFrom(json)) {
                Map<String, Object> device = (Map<String, Object>) entry;
                List<V4l2Device.Format> formats = new ArrayList<>();
                for (Object f : (List<Object>) device.get("formats")) {
                    Map<String, Object> format = (Map<String, Object>) f;
                    List<String> sizes = new ArrayList<>();
                    for (Object size : (List<Object>) format.get("sizes")) {
                        sizes.add(String.valueOf(size));
                    }
                    formats.add(new V4l2Device.Format(Boolean.TRUE.equals(format.get("compressed")),
                            String.valueOf(format.get("format")), String.valueOf(format.get("description")), sizes));
                }
                devices.add(new V4l2Device(String.valueOf(device.get("path")), String.valueOf(device.get("name")),
                        formats));
            }
            return devices;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the injected webcam listing is not valid: " + e, e);
        }
    }

    private static final Supplier<List<V4l2Device>> SYSTEM = V4l2Devices::list;

    private static List<Map<String, Object>> describe(List<V4l2Device> devices, CameraSettings settings,
            List<CameraSettings> cameras) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (V4l2Device device : devices) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("path", device.path());
            entry.put("name", device.name());
            List<Map<String, Object>> formats = new ArrayList<>();
            for (V4l2Device.Format format : device.formats()) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("format", format.format());
                f.put("description", format.description());
                f.put("compressed", format.compressed());
                f.put("sizes", format.sizes());
                formats.add(f);
            }
            entry.put("formats", formats);
            entry.put("used", device.formatFor(settings));
            String usedBy = null;
            for (CameraSettings each : cameras) {
                if (each.source() == Source.V4L2 && each.device().equals(device.path())
                        || each.source() == Source.FFMPEG && each.input().trim().equals(device.path())) {
                    usedBy = each.name();
                    break;
                }
            }
            entry.put("usedBy", usedBy);
            list.add(entry);
        }
        return List.copyOf(list);
    }
}
