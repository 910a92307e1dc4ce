// Preloaded (node --import) into a command the hostile bench measures: at the command's exit,
// writes its lifetime peak RSS in MB to the file named by PEAK_RSS_FILE.
import { writeFileSync } from 'node:fs';

process.on('exit', () => writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS / 1024)));
