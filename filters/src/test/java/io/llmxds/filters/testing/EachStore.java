package io.llmxds.filters.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A test run once with each type of store ({@link TestStores#each()}: memory, redis, redis-cluster) as its
 * {@code ContextStore} argument. The stores are shared by the whole run, so JUnit must not close them after each
 * invocation.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}", autoCloseArguments = false)
@MethodSource("io.llmxds.filters.testing.TestStores#each")
public @interface EachStore {}
