package org.camstream.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.commons.io.file.PathUtils;

/** A real embedded Tomcat on a free loopback port with one empty context, for tests of single web classes. */
public final class BareTomcat implements AutoCloseable {

    private final Tomcat tomcat;
    private final Path base;

    private BareTomcat(Tomcat tomcat, Path base) {
        this.tomcat = tomcat;
        this.base = base;
    }

    /** Starts Tomcat after {@code setup} has added what the test needs to the context at "/". */
    public static BareTomcat start(Consumer<Context> setup) throws Exception {
        Path base = Files.createTempDirectory("camstream-bare-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", base.toString());
        setup.accept(context);
        tomcat.start();
        return new BareTomcat(tomcat, base);
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        PathUtils.deleteDirectory(base);
    }
}
