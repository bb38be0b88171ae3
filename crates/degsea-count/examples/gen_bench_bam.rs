//! Generates a coordinate-sorted paired-end BAM and a matching GTF for `bench/count/run.sh`.
//!
//! Usage: `cargo run --release -p degsea-count --example gen_bench_bam -- OUT_DIR [PAIRS] [SEED]`
//! (default 2,500,000 pairs = 5,000,000 reads). Writes `OUT_DIR/bench.bam` and
//! `OUT_DIR/bench.gtf`. Genes have 4–10 exons on random strands; fragments come from spliced
//! transcripts (reads crossing exon junctions get `N` in their CIGAR), introns and intergenic
//! space, and 4% carry `NH:i:2`. Library is reversely stranded (dUTP-like). Deterministic.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::num::NonZero;
use std::path::PathBuf;

use degsea_testkit::SplitMix64;
use noodles::bam;
use noodles::bgzf;
use noodles::sam;
use noodles::sam::header::record::value::{Map, map::ReferenceSequence};

const READ_LEN: u32 = 100;
const CHROMOSOMES: usize = 5;
const GENES_PER_CHROMOSOME: usize = 4000;

/// (start, read-1 blocks, read-2 blocks, gene on minus strand, NH).
type Fragment = (u32, Vec<(u32, u32)>, Vec<(u32, u32)>, bool, u8);

struct Gene {
    exons: Vec<(u32, u32)>, // 0-based half-open
    negative: bool,
}

/// One BAM record to write, sorted by (ref, pos).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Pending {
    pos: u32,
    bytes: Vec<u8>,
}

fn reg2bin(beg: u32, end: u32) -> u16 {
    let end = end - 1;
    if beg >> 14 == end >> 14 {
        return (((1 << 15) - 1) / 7 + (beg >> 14)) as u16;
    }
    if beg >> 17 == end >> 17 {
        return (((1 << 12) - 1) / 7 + (beg >> 17)) as u16;
    }
    if beg >> 20 == end >> 20 {
        return (((1 << 9) - 1) / 7 + (beg >> 20)) as u16;
    }
    if beg >> 23 == end >> 23 {
        return (((1 << 6) - 1) / 7 + (beg >> 23)) as u16;
    }
    if beg >> 26 == end >> 26 {
        return (1 + (beg >> 26)) as u16;
    }
    0
}

/// Genomic blocks of transcript interval `[t, t + len)` as (start, length) pairs.
fn blocks(exons: &[(u32, u32)], mut t: u32, mut len: u32) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for &(s, e) in exons {
        let el = e - s;
        if t >= el {
            t -= el;
            continue;
        }
        let take = (el - t).min(len);
        out.push((s + t, take));
        len -= take;
        t = 0;
        if len == 0 {
            break;
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn encode(
    name: &[u8],
    ref_id: i32,
    blocks: &[(u32, u32)],
    flag: u16,
    mate_pos: u32,
    tlen: i32,
    nh: u8,
    rng: &mut SplitMix64,
) -> Pending {
    let pos = blocks[0].0;
    let mut cigar: Vec<u32> = Vec::new();
    for (i, &(s, l)) in blocks.iter().enumerate() {
        if i > 0 {
            let prev = blocks[i - 1];
            cigar.push(((s - prev.0 - prev.1) << 4) | 3);
        }
        cigar.push(l << 4);
    }
    let last = blocks[blocks.len() - 1];
    let end = last.0 + last.1;
    let mut b = Vec::with_capacity(400);
    b.extend_from_slice(&[0; 4]);
    b.extend_from_slice(&ref_id.to_le_bytes());
    b.extend_from_slice(&(pos as i32).to_le_bytes());
    b.push((name.len() + 1) as u8);
    b.push(60);
    b.extend_from_slice(&reg2bin(pos, end).to_le_bytes());
    b.extend_from_slice(&(cigar.len() as u16).to_le_bytes());
    b.extend_from_slice(&flag.to_le_bytes());
    b.extend_from_slice(&READ_LEN.to_le_bytes());
    b.extend_from_slice(&ref_id.to_le_bytes());
    b.extend_from_slice(&(mate_pos as i32).to_le_bytes());
    b.extend_from_slice(&tlen.to_le_bytes());
    b.extend_from_slice(name);
    b.push(0);
    for c in &cigar {
        b.extend_from_slice(&c.to_le_bytes());
    }
    const NT: [u8; 4] = [1, 2, 4, 8];
    for _ in 0..READ_LEN / 2 {
        let r = rng.next_u64();
        b.push((NT[(r & 3) as usize] << 4) | NT[((r >> 2) & 3) as usize]);
    }
    for i in 0..READ_LEN {
        b.push(if i % 7 == 0 { 20 } else { 37 });
    }
    b.extend_from_slice(b"NHC");
    b.push(nh);
    b.extend_from_slice(b"ASC");
    b.push(rng.range(150, 200) as u8);
    let size = (b.len() - 4) as u32;
    b[..4].copy_from_slice(&size.to_le_bytes());
    Pending { pos, bytes: b }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = PathBuf::from(args.get(1).ok_or("usage: gen_bench_bam OUT_DIR [PAIRS] [SEED]")?);
    let pairs: u64 = args.get(2).map_or(Ok(2_500_000), |s| s.parse())?;
    let seed: u64 = args.get(3).map_or(Ok(7), |s| s.parse())?;
    std::fs::create_dir_all(&out)?;
    let mut rng = SplitMix64::new(seed);

    // Annotation.
    let mut chroms: Vec<(String, u32, Vec<Gene>)> = Vec::new();
    let mut gtf = BufWriter::new(File::create(out.join("bench.gtf"))?);
    let mut gene_no = 0;
    for c in 0..CHROMOSOMES {
        let name = format!("chr{}", c + 1);
        let mut x = 5_000u32;
        let mut genes = Vec::new();
        for _ in 0..GENES_PER_CHROMOSOME {
            x += rng.range(500, 20_000);
            let n = rng.range(4, 11);
            let mut exons = Vec::new();
            for _ in 0..n {
                let len = rng.range(80, 400);
                exons.push((x, x + len));
                x += len + rng.range(200, 5_000);
            }
            let negative = rng.next_u64() & 1 == 1;
            gene_no += 1;
            let strand = if negative { '-' } else { '+' };
            for (i, &(s, e)) in exons.iter().enumerate() {
                writeln!(
                    gtf,
                    "{name}\tbench\texon\t{}\t{e}\t.\t{strand}\t.\tgene_id \"G{gene_no:05}\"; transcript_id \"T{gene_no:05}\"; exon_number \"{}\";",
                    s + 1,
                    i + 1
                )?;
            }
            genes.push(Gene { exons, negative });
        }
        chroms.push((name, x + 20_000, genes));
    }
    gtf.flush()?;

    // Header.
    let mut header = sam::Header::builder();
    for (name, len, _) in &chroms {
        header = header.add_reference_sequence(
            name.as_bytes(),
            Map::<ReferenceSequence>::new(NonZero::new(*len as usize).ok_or("empty chromosome")?),
        );
    }
    let header = header.build();
    let file = File::create(out.join("bench.bam"))?;
    let workers = std::thread::available_parallelism().map_or(1, NonZero::get).max(1);
    let bgzf =
        bgzf::io::MultithreadedWriter::with_worker_count(NonZero::new(workers).ok_or("no threads")?, file);
    let mut writer = bam::io::Writer::from(bgzf);
    writer.write_header(&header)?;

    let per_chrom = pairs / CHROMOSOMES as u64;
    let mut fragment = 0u64;
    for (ref_id, (_, chrom_len, genes)) in chroms.iter().enumerate() {
        // Fragment starts, sorted: draw (kind, gene, offset) then sort by genomic start.
        let mut frags: Vec<Fragment> = Vec::with_capacity(per_chrom as usize);
        while (frags.len() as u64) < per_chrom {
            let frag_len = rng.range(200, 500);
            let u = rng.unit();
            let nh = if rng.unit() < 0.04 { 2 } else { 1 };
            let (b1, b2, gene_negative) = if u < 0.85 {
                // Highly skewed expression: square the uniform.
                let g = &genes[((rng.unit().powi(3)) * genes.len() as f64) as usize % genes.len()];
                let tx_len: u32 = g.exons.iter().map(|(s, e)| e - s).sum();
                if tx_len <= frag_len {
                    continue;
                }
                let t = rng.range(0, tx_len - frag_len);
                (
                    blocks(&g.exons, t, READ_LEN),
                    blocks(&g.exons, t + frag_len - READ_LEN, READ_LEN),
                    g.negative,
                )
            } else {
                let s = rng.range(1_000, chrom_len - 1_000);
                (vec![(s, READ_LEN)], vec![(s + frag_len - READ_LEN, READ_LEN)], rng.next_u64() & 1 == 1)
            };
            frags.push((b1[0].0, b1, b2, gene_negative, nh));
        }
        frags.sort_by_key(|f| f.0);
        let mut heap: BinaryHeap<Reverse<Pending>> = BinaryHeap::new();
        for (_, left, right, gene_negative, nh) in frags {
            fragment += 1;
            let name = format!("frag{fragment:09}");
            // Reverse-stranded library: read 1 on the opposite strand of the gene.
            let read1_reverse = !gene_negative;
            let (r1_blocks, r2_blocks) = if read1_reverse { (right, left) } else { (left, right) };
            let r1_pos = r1_blocks[0].0;
            let r2_pos = r2_blocks[0].0;
            let start = left_start(&r1_blocks, &r2_blocks);
            let end = right_end(&r1_blocks, &r2_blocks);
            let tlen = (end - start) as i32;
            let f1 = 0x1 | 0x2 | 0x40 | if read1_reverse { 0x10 } else { 0x20 };
            let f2 = 0x1 | 0x2 | 0x80 | if read1_reverse { 0x20 } else { 0x10 };
            let t1 = if r1_pos == start { tlen } else { -tlen };
            let rec1 = encode(name.as_bytes(), ref_id as i32, &r1_blocks, f1, r2_pos, t1, nh, &mut rng);
            let rec2 = encode(name.as_bytes(), ref_id as i32, &r2_blocks, f2, r1_pos, -t1, nh, &mut rng);
            let this = rec1.pos.min(rec2.pos);
            while heap.peek().is_some_and(|p| p.0.pos <= this) {
                let Reverse(p) = heap.pop().ok_or("heap")?;
                writer.get_mut().write_all(&p.bytes)?;
            }
            heap.push(Reverse(rec1));
            heap.push(Reverse(rec2));
        }
        while let Some(Reverse(p)) = heap.pop() {
            writer.get_mut().write_all(&p.bytes)?;
        }
    }
    writer.get_mut().finish()?;
    eprintln!("wrote {} fragments ({} reads) to {}", fragment, 2 * fragment, out.join("bench.bam").display());
    Ok(())
}

fn left_start(a: &[(u32, u32)], b: &[(u32, u32)]) -> u32 {
    a[0].0.min(b[0].0)
}

fn right_end(a: &[(u32, u32)], b: &[(u32, u32)]) -> u32 {
    let ea = a[a.len() - 1].0 + a[a.len() - 1].1;
    let eb = b[b.len() - 1].0 + b[b.len() - 1].1;
    ea.max(eb)
}
