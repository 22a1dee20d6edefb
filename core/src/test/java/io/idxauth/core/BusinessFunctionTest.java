package io.idxauth.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Period;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BusinessFunctionTest {

  private static final BusinessFunction.Resource DATA =
      new BusinessFunction.Resource(
          "PowerQualityData", List.of("1.0"), List.of("application/json"), Period.ofYears(7));

  @Test
  void name_is_the_title_else_the_description_else_the_id() {
    assertThat(new BusinessFunction("pqd", "Power Quality Data", "pq", List.of()).name())
        .isEqualTo("Power Quality Data");
    assertThat(new BusinessFunction("pqd", null, "Power quality data", List.of()).name())
        .isEqualTo("Power quality data");
    assertThat(new BusinessFunction("pqd", null, null, List.of()).name()).isEqualTo("pqd");
  }

  @Test
  void resources_are_kept_in_order_of_their_names() {
    BusinessFunction.Resource alarm =
        new BusinessFunction.Resource(
            "PowerQualityAlarm", List.of("1.0"), List.of("text/csv"), Period.ofMonths(18));

    assertThat(new BusinessFunction("pqd", null, "", List.of(DATA, alarm)).resources())
        .containsExactly(alarm, DATA);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"P0D", "-P1Y", "P1Y-1M", "P-3D"})
  void retention_must_be_a_positive_period(String period) {
    assertThat(BusinessFunction.Resource.isValidRetention(Period.parse(period))).isFalse();
    assertThatThrownBy(
            () ->
                new BusinessFunction.Resource(
                    "R", List.of("1.0"), List.of("application/json"), Period.parse(period)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {"application/json", "text/csv", "application/vnd.aemo.pqd+json", "text/plain"})
  void media_types_without_parameters_are_payload_types(String type) {
    assertThat(BusinessFunction.Resource.isValidPayloadType(type)).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {"json", "application/", "/json", "text/csv; charset=utf-8", "a/b,c/d"})
  void anything_else_is_not_a_payload_type(String type) {
    assertThat(BusinessFunction.Resource.isValidPayloadType(type)).isFalse();
  }

  @Test
  void schema_versions_and_payload_types_must_be_given_and_distinct() {
    assertThatThrownBy(
            () ->
                new BusinessFunction.Resource(
                    "R", List.of(), List.of("application/json"), Period.ofYears(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new BusinessFunction.Resource(
                    "R", List.of("1.0", "1.0"), List.of("application/json"), Period.ofYears(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
