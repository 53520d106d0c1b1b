package io.gearbox.asr.config;

import io.gearbox.asr.server.TlsListener;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.server.Shutdown;
import org.springframework.boot.web.server.Ssl;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.HttpHandler;

/**
 * The TLS listener, when {@code asr.tls.port} is set ({@link TlsProperties}): a Reactor Netty server with TLS from
 * the named SSL bundle, on the event loops of the plain server, serving the application's HTTP handler.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "asr.tls", name = "port")
class TlsConfiguration {

    @Bean
    TlsListener tlsListener(TlsProperties properties, SslBundles bundles, ObjectProvider<HttpHandler> handler,
            ObjectProvider<ReactorResourceFactory> resources) {
        // Fails start-up here, naming the bundle, rather than when the listener starts.
        bundles.getBundle(properties.bundle());
        NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory(properties.port());
        factory.setAddress(properties.address());
        factory.setSsl(Ssl.forBundle(properties.bundle()));
        factory.setSslBundles(bundles);
        factory.setShutdown(Shutdown.GRACEFUL);
        resources.ifAvailable(factory::setResourceFactory);
        return new TlsListener(factory, handler::getObject);
    }

}
