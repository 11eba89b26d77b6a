package io.llmxds.cp.verify.load;

import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The format strings Envoy parses at load time ({@link SubstitutionFormat}). */
final class FormatStrings {

  private FormatStrings() {}

  /**
   * Every one must parse: header values to add (after {@code PER_REQUEST_STATE} becomes {@code FILTER_STATE},
   * header_parser.cc:41-48), the local reply's {@code body_format} and each mapper's {@code body_format_override}
   * (local_reply.cc:162-168, 92-96; in a {@code json_format} every string value with a {@code %},
   * substitution_formatter.cc:209-224) and rate-limit {@code hits_addend.format}s (ratelimit_config.cc:28-30). A
   * format with {@code formatters} of its own (command parser extensions) or read from a file is not checked. Each
   * finding cites the lines of its own error.
   */
  static final Each<String> PARSE = Each.rejects(SubstitutionFormat.PARSER, FormatStrings::all, (format, report) -> {
    SubstitutionFormat.Parsed parsed = SubstitutionFormat.parse(format);
    if (!parsed.ok()) {
      report.cited(Where.root(), parsed.error(), parsed.citation());
    }
  });

  static List<Located<String>> all(LoadedConfig config) {
    return config.memo(FormatStrings.class, () -> {
      List<Located<String>> all = new ArrayList<>();
      for (Located<HeaderValueOption> at : HeaderRules.added(config)) {
        all.add(new Located<>(at.resource(), at.where().field("header").field("value"),
            at.item().getHeader().getValue().replace("%PER_REQUEST_STATE(", "%FILTER_STATE(")));
      }
      for (Located<HttpConnectionManager> hcm : config.hcms()) {
        LocalReplyConfig localReply = hcm.item().getLocalReplyConfig();
        Where at = hcm.where().field("local_reply_config");
        if (localReply.hasBodyFormat()) {
          add(all, hcm.resource(), at.field("body_format"), localReply.getBodyFormat());
        }
        for (int m = 0; m < localReply.getMappersCount(); m++) {
          if (localReply.getMappers(m).hasBodyFormatOverride()) {
            add(all, hcm.resource(), at.item("mappers", m).field("body_format_override"),
                localReply.getMappers(m).getBodyFormatOverride());
          }
        }
      }
      for (Located<RateLimit> entry : RateLimitConfigRules.entries(config)) {
        if (!entry.item().getHitsAddend().getFormat().isEmpty()) {
          all.add(new Located<>(entry.resource(), entry.where().field("hits_addend").field("format"),
              entry.item().getHitsAddend().getFormat()));
        }
      }
      return all;
    });
  }

  private static void add(List<Located<String>> all, Message resource, Where where, SubstitutionFormatString format) {
    if (format.getFormattersCount() > 0) {
      return;
    }
    switch (format.getFormatCase()) {
      case TEXT_FORMAT -> all.add(new Located<>(resource, where.field("text_format"), format.getTextFormat()));
      case JSON_FORMAT -> addJson(all, resource, where.field("json_format"), format.getJsonFormat());
      case TEXT_FORMAT_SOURCE -> {
        var source = format.getTextFormatSource();
        switch (source.getSpecifierCase()) {
          case INLINE_STRING -> all.add(new Located<>(resource,
              where.field("text_format_source").field("inline_string"), source.getInlineString()));
          case INLINE_BYTES -> all.add(new Located<>(resource, where.field("text_format_source")
              .field("inline_bytes"), source.getInlineBytes().toString(StandardCharsets.UTF_8)));
          default -> { }
        }
      }
      default -> { }
    }
  }

  private static void addJson(List<Located<String>> all, Message resource, Where where, Struct struct) {
    Map<String, Value> fields = struct.getFieldsMap();
    fields.keySet().stream().sorted().forEach(key -> addJson(all, resource, where.entry("fields", key),
        fields.get(key)));
  }

  private static void addJson(List<Located<String>> all, Message resource, Where where, Value value) {
    switch (value.getKindCase()) {
      case STRING_VALUE -> {
        if (value.getStringValue().indexOf('%') >= 0) {
          all.add(new Located<>(resource, where, value.getStringValue()));
        }
      }
      case STRUCT_VALUE -> addJson(all, resource, where.field("struct_value"), value.getStructValue());
      case LIST_VALUE -> {
        List<Value> values = value.getListValue().getValuesList();
        for (int i = 0; i < values.size(); i++) {
          addJson(all, resource, where.field("list_value").item("values", i), values.get(i));
        }
      }
      default -> { }
    }
  }
}
