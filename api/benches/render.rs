//! Rendering a long article: markdown → sanitized HTML + table of contents, and the derived
//! excerpt and counts. Run with `cargo bench -p wharf --bench render`.
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use wharf::content::{MAX_EXCERPT_UNITS, derive_excerpt, render, text_stats};

/// A long Chinese technical article like the product's seed page: numbered, nested headings
/// (一、… / 3.1 … / 4.1.1 …), paragraphs, lists, a table, code and links.
fn long_article(sections: usize) -> String {
    let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let mut md = String::from("# 扩散模型综述：原理、训练与应用\n\n");
    for s in 0..sections {
        md.push_str(&format!("## {}、第{}部分\n\n", numerals[s % 10], s + 1));
        for sub in 1..=3 {
            md.push_str(&format!("### {}.{} 基本模型与训练方法\n\n", s + 1, sub));
            md.push_str("扩散模型是一类生成模型，它通过逐步加噪和去噪的过程学习数据分布。Diffusion models learn to reverse a gradual noising process, and **外贸企业**可以用它生成产品图片。参见[原论文](https://arxiv.org/abs/2006.11239)。\n\n");
            md.push_str("- 前向过程：逐步加入高斯噪声\n- 反向过程：学习去噪\n- [x] 已完成实验\n\n");
            md.push_str(&format!("#### {}.{}.1 生成式语言模型\n\n", s + 1, sub));
            md.push_str("| 模型 | 参数量 | 说明 |\n|---|---:|:-:|\n| DDPM | 35.7M | 基线 |\n| LDM | 400M | 潜空间 |\n\n");
            md.push_str(
                "```python\nx_t = sqrt(alpha_bar) * x_0 + sqrt(1 - alpha_bar) * eps\n```\n\n",
            );
        }
    }
    md
}

fn bench(c: &mut Criterion) {
    let article = long_article(20);
    let mut group = c.benchmark_group("render");
    group.throughput(Throughput::Bytes(article.len() as u64));
    group.bench_function(format!("html_and_toc_{}kib", article.len() / 1024), |b| {
        b.iter(|| render(black_box(&article)))
    });
    let rendered = render(&article);
    group.bench_function("excerpt_and_counts", |b| {
        b.iter(|| {
            let e = derive_excerpt(black_box(&rendered.paragraphs), MAX_EXCERPT_UNITS);
            let s = text_stats(black_box(&rendered.text));
            (e, s)
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
