package io.anomstack.modelstore.web;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tomcat reads a request body and writes a response in pieces of its socket buffers, 8 KiB by default: a system call
 * per 8 KiB, which cost an upload as much CPU as hashing its bytes (see docs/benchmarks.md). 32 KiB pieces take a
 * quarter of the calls; a connection holds both buffers while it is open, 64 KiB in all.
 */
@Configuration(proxyBeanMethods = false)
class SocketBufferConfiguration {

    static final int BUFFER_BYTES = 32 * 1024;

    @Bean
    static WebServerFactoryCustomizer<TomcatServletWebServerFactory> socketBuffers() {
        return factory -> factory.addConnectorCustomizers(connector -> {
            connector.setProperty("socket.appReadBufSize", String.valueOf(BUFFER_BYTES));
            connector.setProperty("socket.appWriteBufSize", String.valueOf(BUFFER_BYTES));
        });
    }
}
