import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Captionist's own XMP namespace: who made a caption, with what, when, and whether a person reviewed it. */
export const captionistNamespace = { prefix: 'captionist', uri: 'http://ns.captionist.app/xmp/1.0/' } as const;

/**
 * XMP-dc:Description under a name of its own: read without groups, MWG's composite Description
 * answers with EXIF's ImageDescription first, and a camera's stamp there would hide the XMP text.
 */
export const xmpDescriptionTag = 'CaptionistXMPDescription';

/**
 * ExifTool learns a namespace from a user-defined tag table in a config file loaded with
 * `-config`. Tag names carry a prefix so that, read without a group, they never shadow EXIF:Model.
 * The same file defines the composite above, turns off MWG's strict mode and ends an ExifTool
 * whose Captionist is gone (see below).
 */
const config = `# Written by Captionist: the XMP namespace it records caption provenance in.
%Image::ExifTool::UserDefined = (
    'Image::ExifTool::XMP::Main' => {
        ${captionistNamespace.prefix} => {
            SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::captionist' },
        },
    },
    'Image::ExifTool::Composite' => {
        ${xmpDescriptionTag} => { Require => 'XMP-dc:Description', ValueConv => '$val' },
    },
);
%Image::ExifTool::UserDefined::captionist = (
    GROUPS => { 0 => 'XMP', 1 => 'XMP-${captionistNamespace.prefix}', 2 => 'Image' },
    NAMESPACE => { '${captionistNamespace.prefix}' => '${captionistNamespace.uri}' },
    WRITABLE => 'string',
    provider => { Name => 'CaptionistProvider' },
    model => { Name => 'CaptionistModel' },
    date => { Name => 'CaptionistDate', Writable => 'date', Groups => { 2 => 'Time' } },
    reviewed => { Name => 'CaptionistReviewed', Writable => 'boolean' },
);
# Read IPTC wherever a file keeps it (a FotoStation or Photo Mechanic trailer too), also after a
# read with -use MWG has loaded MWG's strict mode into this process: ExifTool writes into every
# IPTC block, so what it writes over must be seen first, and the same by every process of the pool.
$Image::ExifTool::MWG::strict = 0;
# An ExifTool whose Captionist was killed would wait for commands forever, reading its closed input
# every 10 ms. Its input is a pipe from Captionist: at the pipe's end no command can come any more,
# so it ends (after the command in hand, which can only complete a temporary copy: Captionist alone
# puts copies in place). A file as input (-stay_open's other use) is still read on after its end.
require Symbol;
*CORE::GLOBAL::sysread = sub (*\\$$;$) {
    my $handle = ref $_[0] ? $_[0] : Symbol::qualify_to_ref($_[0], scalar caller);
    my $read = @_ > 3 ? CORE::sysread($handle, \${$_[1]}, $_[2], $_[3]) : CORE::sysread($handle, \${$_[1]}, $_[2]);
    exit 0 if defined $read and $read == 0 and (-p $handle or -S $handle);
    return $read;
};
1;
`;

/**
 * Puts the config file in `dir` (once; replaced atomically, so a second Captionist starting at
 * the same moment never loads half a file) and returns its path.
 */
export function writeExifToolConfig(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'captionist.exiftool-config');
  let existing: string | null;
  try {
    existing = readFileSync(path, 'utf8');
  } catch {
    existing = null;
  }
  if (existing !== config) {
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, config);
    renameSync(temporary, path);
  }
  return path;
}
