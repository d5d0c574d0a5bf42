/** The notebook's run id: local time as 14 digits, YYYYMMDDhhmmss (spec §21.1), naming a run's files. */
export function timestringNow(now = new Date()): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return (
    String(now.getFullYear()) +
    pad(now.getMonth() + 1) +
    pad(now.getDate()) +
    pad(now.getHours()) +
    pad(now.getMinutes()) +
    pad(now.getSeconds())
  );
}
