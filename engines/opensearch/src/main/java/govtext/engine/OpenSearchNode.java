package govtext.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.opensearch.Version;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch 2.19 node in this JVM, for govtext's development and CI (issue 13).
 *
 * <pre>java -cp 'target/classes:target/lib/*' govtext.engine.OpenSearchNode HOME PORT [TRANSPORT_PORT [KEY=VALUE ...]]</pre>
 *
 * HOME is an (empty or earlier) directory for data, logs and config; PORT is the HTTP
 * port on 127.0.0.1, TRANSPORT_PORT the node-to-node one (default PORT+100); KEY=VALUE
 * are extra node settings (the fault tests shrink the write thread pool with them). Single node, no security plugin
 * (none is on the classpath). The node runs until the process gets SIGTERM/SIGINT or
 * the file HOME/stop appears; either closes the node cleanly. On start it writes
 * HOME/node.pid so a launcher can find it.
 */
public final class OpenSearchNode {

    /** The modules govtext needs: HTTP, reindex/update_by_query, painless, analyzers, extra mappers. */
    static final List<Class<? extends Plugin>> PLUGINS = List.of(
            Netty4Plugin.class, ReindexPlugin.class, PainlessPlugin.class,
            CommonAnalysisPlugin.class, MapperExtrasPlugin.class);

    /** A Node whose plugins come from the classpath instead of a plugins directory. */
    static final class ClasspathNode extends Node {
        ClasspathNode(Environment env, Collection<Class<? extends Plugin>> plugins) {
            super(env, plugins, true);
        }
    }

    private OpenSearchNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: OpenSearchNode HOME PORT [TRANSPORT_PORT [KEY=VALUE ...]]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        int transport = args.length >= 3 ? Integer.parseInt(args[2]) : port + 100;
        if (port < 1024 || port > 65535 || transport < 1024 || transport > 65535) {
            System.err.println("ports must be between 1024 and 65535: " + port + ", " + transport);
            System.exit(2);
        }
        Path config = home.resolve("config");
        for (String dir : new String[] {"config", "data", "logs", "plugins", "modules"}) {
            Files.createDirectories(home.resolve(dir));
        }
        Settings.Builder builder = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("cluster.name", "govtext-dev")
                .put("node.name", "govtext-os-1")
                .put("discovery.type", "single-node")
                .put("network.host", "127.0.0.1")
                .put("http.port", port)
                .put("transport.port", transport)
                // a full disk must not turn the test indices read-only
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                // one node: replicas could never be assigned (green, not yellow)
                .put("cluster.default_number_of_replicas", 0)
                .put("action.auto_create_index", false)
                .put("logger.level", System.getProperty("govtext.log.level", "WARN"));
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("extra settings are KEY=VALUE, not " + args[i]);
                System.exit(2);
            }
            builder.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Settings settings = builder.build();
        LogConfigurator.configureWithoutConfig(settings);
        Environment env = InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), config,
                () -> "govtext-os-1");
        Node node = new ClasspathNode(env, PLUGINS);
        Thread closer = new Thread(() -> close(node), "govtext-node-close");
        Runtime.getRuntime().addShutdownHook(closer);
        node.start();
        Files.writeString(home.resolve("node.pid"), Long.toString(ProcessHandle.current().pid()));
        System.out.println("govtext OpenSearch " + Version.CURRENT + " node started on http://127.0.0.1:" + port);
        System.out.flush();
        Path stop = home.resolve("stop");
        while (!node.isClosed()) {
            if (Files.exists(stop)) {
                Files.deleteIfExists(stop);
                System.exit(0); // runs the shutdown hook, which closes the node
            }
            Thread.sleep(500);
        }
    }

    private static void close(Node node) {
        try {
            node.close();
            node.awaitClose(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("error while closing the node: " + e);
        }
    }
}
