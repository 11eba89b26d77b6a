package io.llmxds.cp.verify.load;

import com.google.protobuf.Message;

/** Something a rule judges, the resource it is in, and where in it. */
record Located<T>(Message resource, Where where, T item) {}
