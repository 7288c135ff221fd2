package org.camstream.camera;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.camstream.config.CameraSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cameras of the server, by name and in order: the first one also serves the URLs that name no camera. New
 * settings are reconciled camera by camera: a camera that came is made (it starts with its first viewer), one
 * that went is closed, one whose settings changed applies them, and every other camera is not touched at all.
 *
 * <p>The list is replaced whole, never changed in place, so readers take no lock; changes come one at a time
 * from the settings (see the web layer's {@code LiveSettings}), so nothing else needs one either.
 */
public final class Cameras implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Cameras.class);

    private final CameraServices services;
    private final List<Consumer<Camera>> addedListeners = new CopyOnWriteArrayList<>();
    private volatile List<Camera> cameras;

    public Cameras(List<CameraSettings> initial, CameraServices services) {
        this.services = services;
        List<Camera> made = new ArrayList<>();
        for (CameraSettings settings : initial) {
            made.add(new Camera(settings, services));
        }
        this.cameras = List.copyOf(made);
    }

    /** Runs {@code listener} for every camera made from now on, before it is listed. */
    public void onAdded(Consumer<Camera> listener) {
        addedListeners.add(listener);
    }

    public List<Camera> all() {
        return cameras;
    }

    /** The camera of that name, or null. */
    public Camera get(String name) {
        for (Camera camera : cameras) {
            if (camera.name().equals(name)) {
                return camera;
            }
        }
        return null;
    }

    /** The first camera, which serves the URLs without a camera's name; null while there is none. */
    public Camera first() {
        List<Camera> current = cameras;
        return current.isEmpty() ? null : current.get(0);
    }

    /** The camera at {@code index} in the list, counting from 0, as mjpg-streamer counts its inputs; or null. */
    public Camera at(int index) {
        List<Camera> current = cameras;
        return index >= 0 && index < current.size() ? current.get(index) : null;
    }

    /**
     * Makes the cameras those of {@code next}, in its order. A camera that goes is closed, and its processes have
     * ended, before any camera that comes is made, so that a device it held is free for the new one. Runs on the
     * caller's thread; must not be called on a camera's own threads.
     */
    public void apply(List<CameraSettings> next) {
        List<Camera> before = cameras;
        Map<String, CameraSettings> wanted = new LinkedHashMap<>();
        for (CameraSettings settings : next) {
            wanted.put(settings.name(), settings);
        }
        List<Camera> going = new ArrayList<>();
        for (Camera camera : before) {
            if (!wanted.containsKey(camera.name())) {
                going.add(camera);
            }
        }
        if (!going.isEmpty()) {
            List<Camera> staying = new ArrayList<>(before);
            staying.removeAll(going);
            cameras = List.copyOf(staying); // no new viewer finds them while they close
            for (Camera camera : going) {
                LOG.info("Camera {} removed", camera.name());
                camera.close();
            }
        }
        List<Camera> made = new ArrayList<>(next.size());
        for (CameraSettings settings : next) {
            Camera existing = find(before, settings.name());
            if (existing != null && !existing.isClosed()) {
                if (!existing.settings().equals(settings)) {
                    existing.apply(settings);
                }
                made.add(existing);
            } else {
                Camera camera = new Camera(settings, services);
                for (Consumer<Camera> listener : addedListeners) {
                    listener.accept(camera);
                }
                LOG.info("Camera {} added: {}", settings.name(), settings);
                made.add(camera);
            }
        }
        cameras = List.copyOf(made);
    }

    private static Camera find(List<Camera> cameras, String name) {
        for (Camera camera : cameras) {
            if (camera.name().equals(name)) {
                return camera;
            }
        }
        return null;
    }

    /**
     * Closes every camera at once, each on a thread of its own, so that a server with four cameras stops as soon
     * as one does; returns when every camera's processes have ended (or been killed).
     */
    @Override
    public void close() {
        List<Camera> all = cameras;
        cameras = List.of();
        List<Thread> closing = new ArrayList<>(all.size());
        for (Camera camera : all) {
            Thread thread = new Thread(camera::close, "camstream-close-" + camera.name());
            thread.setDaemon(true);
            thread.start();
            closing.add(thread);
        }
        for (Thread thread : closing) {
            try {
                thread.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Longer than a camera's own wait for its processes, and their kill. */
    private static final long CLOSE_WAIT_MILLIS = 20_000;
}
