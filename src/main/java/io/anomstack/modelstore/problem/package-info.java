/**
 * The problems the service answers with (RFC 9457 problem details), without any HTTP types so that every layer, the
 * domain included, can name them: {@link io.anomstack.modelstore.problem.ProblemType} lists them, and
 * {@link io.anomstack.modelstore.problem.ProblemException} is the base of the exceptions that carry one.
 */
@NullMarked
package io.anomstack.modelstore.problem;

import org.jspecify.annotations.NullMarked;
