package io.llmxds.cp.verify;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.llmxds.cp.translate.EnvoyTypes;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The messages inside the {@code Any}s of one snapshot, each parsed once however many checks look inside it: the
 * reference check and the rule check both unpack every route's per-filter configs (2,000 routes: 4,000 parses of the
 * same bytes). Keyed by identity, since every check walks the same instances. One per verification; not thread-safe.
 */
public final class UnpackedAnys {
  private final Map<Any, Optional<Message>> parsed = new IdentityHashMap<>();

  /** As {@link EnvoyTypes#unpack(Any)}; a value that does not parse is not remembered (it throws every time). */
  public Optional<Message> unpack(Any any) {
    Optional<Message> message = parsed.get(any);
    if (message == null) {
      message = EnvoyTypes.unpack(any);
      parsed.put(any, message);
    }
    return message;
  }
}
