package io.anomstack.modelstore;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ModelStoreApplication {

    public static void main(String[] args) {
        SpringApplication.run(ModelStoreApplication.class, args);
    }
}
