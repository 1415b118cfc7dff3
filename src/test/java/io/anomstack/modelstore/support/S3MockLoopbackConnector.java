package io.anomstack.modelstore.support;

import org.apache.catalina.connector.Connector;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Runs inside the S3Mock process, not in the tests' JVM: {@link S3MockBackend} puts this one class on
 * S3Mock's {@code loader.path} as an auto-configuration. S3Mock builds its plain-HTTP connector
 * ({@code --http.port}) as a bare Tomcat {@link Connector} bean that {@code server.address} does not reach,
 * so it listens on every interface; this binds it to the loopback interface instead, since S3Mock checks
 * no signatures. Must not depend on any other class of this project.
 */
public class S3MockLoopbackConnector implements BeanPostProcessor {

    static final String ADDRESS = "127.0.0.1";

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof Connector connector) {
            connector.setProperty("address", ADDRESS);
        }
        return bean;
    }
}
