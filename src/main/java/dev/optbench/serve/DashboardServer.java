package dev.optbench.serve;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The dashboard's HTTP server: Jetty's core server (HTTP parsing, connections, threads) with one
 * handler, {@link Routes}, that answers GET and HEAD only. Bound to loopback unless a host is
 * given; a loopback server also refuses requests whose Host header is not a loopback name, so a
 * web page in the user's browser cannot read it through DNS rebinding.
 */
public final class DashboardServer implements AutoCloseable {
    /** The default host: loopback. */
    public static final String LOOPBACK = "127.0.0.1";

    private final Server server;
    private final ServerConnector connector;
    private final String host;

    private DashboardServer(Server server, ServerConnector connector, String host) {
        this.server = server;
        this.connector = connector;
        this.host = host;
    }

    /** Starts serving {@code data} on host:port (port 0: any free port); returns once it accepts connections. */
    public static DashboardServer start(DashboardData data, String storeLabel, String host, int port) throws Exception {
        boolean loopback = isLoopback(host);
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("optbench-serve");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Routes(data, storeLabel, loopback));
        server.setStopAtShutdown(true);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new DashboardServer(server, connector, host);
    }

    /** Whether {@code host} names only this machine (127.0.0.0/8, ::1, localhost). */
    public static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String host() {
        return host;
    }

    /** The dashboard's address, e.g. http://127.0.0.1:8080/. */
    public URI uri() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port() + "/");
    }

    /** Blocks until the server stops (Ctrl-C). */
    public void join() throws InterruptedException {
        server.join();
    }

    /** Stops the server (open requests are ended); the store stays open, it is the caller's. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the dashboard: " + e.getMessage(), e);
        }
    }
}
