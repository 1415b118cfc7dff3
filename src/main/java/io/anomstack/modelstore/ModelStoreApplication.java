package io.anomstack.modelstore;

import io.anomstack.modelstore.security.HashKeyCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import java.io.IOException;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ModelStoreApplication {

    public static void main(String[] args) throws IOException {
        if (args.length > 0 && args[0].equals(HashKeyCommand.NAME)) {
            HashKeyCommand.run(args, System.in, System.out);
            return;
        }
        SpringApplication.run(ModelStoreApplication.class, args);
    }
}
