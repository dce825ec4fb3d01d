//! The small statistics the measurement commands print (`cargo xtask bench …`): a timed
//! assertion is a flaky test, so timings are reported, never asserted.

use std::time::Duration;

/// Nearest-rank percentile of sorted samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The heading of a table of [`row`]s.
pub fn heading(title: &str) -> String {
    format!("{title:<44} {:>4} {:>9} {:>9} {:>9}", "n", "median", "p95", "max")
}

/// One line: label, count, median, p95 and max in milliseconds. Sorts `samples`.
pub fn row(label: &str, samples: &mut [Duration]) -> String {
    samples.sort();
    let ms = |duration: Duration| format!("{:.1} ms", duration.as_secs_f64() * 1000.0);
    format!(
        "{label:<44} {:>4} {:>9} {:>9} {:>9}",
        samples.len(),
        ms(percentile(samples, 50.0)),
        ms(percentile(samples, 95.0)),
        ms(percentile(samples, 100.0))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let samples: Vec<Duration> = (1..=20).map(Duration::from_millis).collect();

        assert_eq!(percentile(&samples, 50.0), Duration::from_millis(10));
        assert_eq!(percentile(&samples, 95.0), Duration::from_millis(19));
        assert_eq!(percentile(&samples, 100.0), Duration::from_millis(20));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn a_row_sorts_its_samples_and_shows_median_p95_and_max() {
        let mut samples: Vec<Duration> = (1..=20).rev().map(Duration::from_millis).collect();

        let line = row("label", &mut samples);

        let columns: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(columns, ["label", "20", "10.0", "ms", "19.0", "ms", "20.0", "ms"]);
    }
}
