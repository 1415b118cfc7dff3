package io.anomstack.modelstore.catalog;

import io.anomstack.modelstore.problem.ProblemType;

import java.util.Collection;

/** A version that an alias points to cannot be deleted: the alias would point at nothing. */
public class VersionInUseException extends ModelStoreException {

    public VersionInUseException(ModelRef model, VersionId version, Collection<String> aliases) {
        super(ProblemType.VERSION_IN_USE,
                "Version " + version + " of model " + model + " is aliased as " + String.join(", ", aliases)
                + "; point those aliases at another version or delete them first.");
    }
}
