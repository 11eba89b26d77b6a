package io.llmxds.cp.policy;

import java.util.Optional;

/**
 * A document of a known kind, as far as it could be read.
 *
 * @param name empty when the document has no valid name
 * @param value the record of its kind, present only when the document had no errors
 */
record Declared(Kind kind, Optional<String> name, DocumentScope scope, Optional<?> value) {}
