//! Binary operations on one axial slice: connected components, hole filling, closing.

/// Connected components of `mask` on an `nx × ny` slice. Returns one label per pixel
/// (0 = background, components numbered from 1) and the component count.
pub(crate) fn components(mask: &[bool], nx: usize, ny: usize, eight: bool) -> (Vec<u32>, u32) {
    let mut labels = vec![0_u32; mask.len()];
    let mut count = 0;
    let mut stack = Vec::new();
    for start in 0..mask.len() {
        if !mask[start] || labels[start] != 0 {
            continue;
        }
        count += 1;
        labels[start] = count;
        stack.push(start);
        while let Some(at) = stack.pop() {
            for next in neighbours(at, nx, ny, eight) {
                if mask[next] && labels[next] == 0 {
                    labels[next] = count;
                    stack.push(next);
                }
            }
        }
    }
    (labels, count)
}

/// Indices of the 4- or 8-neighbours of pixel `at` inside the slice.
pub(crate) fn neighbours(
    at: usize,
    nx: usize,
    ny: usize,
    eight: bool,
) -> impl Iterator<Item = usize> {
    let (i, j) = ((at % nx) as isize, (at / nx) as isize);
    const FOUR: [(isize, isize); 4] = [(-1, 0), (1, 0), (0, -1), (0, 1)];
    const DIAGONAL: [(isize, isize); 4] = [(-1, -1), (1, -1), (-1, 1), (1, 1)];
    let diagonals: &[(isize, isize)] = if eight { &DIAGONAL } else { &[] };
    FOUR.iter()
        .chain(diagonals.iter())
        .filter_map(move |&(di, dj)| {
            let (x, y) = (i + di, j + dj);
            (x >= 0 && y >= 0 && (x as usize) < nx && (y as usize) < ny)
                .then(|| x as usize + nx * y as usize)
        })
}

/// Background pixels not 4-connected to the slice border: the holes of `mask`.
pub(crate) fn holes(mask: &[bool], nx: usize, ny: usize) -> Vec<bool> {
    let mut outside = vec![false; mask.len()];
    let mut stack = Vec::new();
    let border = (0..nx)
        .flat_map(|i| [i, i + nx * (ny - 1)])
        .chain((0..ny).flat_map(|j| [nx * j, nx - 1 + nx * j]));
    for at in border {
        if !mask[at] && !outside[at] {
            outside[at] = true;
            stack.push(at);
        }
    }
    while let Some(at) = stack.pop() {
        for next in neighbours(at, nx, ny, false) {
            if !mask[next] && !outside[next] {
                outside[next] = true;
                stack.push(next);
            }
        }
    }
    mask.iter()
        .zip(&outside)
        .map(|(&set, &out)| !set && !out)
        .collect()
}

/// Dilation with a 3 × 3 square (pixels outside the slice count as unset).
pub(crate) fn dilate(mask: &[bool], nx: usize, ny: usize) -> Vec<bool> {
    (0..mask.len())
        .map(|at| mask[at] || neighbours(at, nx, ny, true).any(|n| mask[n]))
        .collect()
}

/// Erosion with a 3 × 3 square (pixels outside the slice count as set, so borders stay).
pub(crate) fn erode(mask: &[bool], nx: usize, ny: usize) -> Vec<bool> {
    (0..mask.len())
        .map(|at| mask[at] && neighbours(at, nx, ny, true).all(|n| mask[n]))
        .collect()
}

/// Closing with a 3 × 3 square: bridges one-pixel gaps in a cortical ring.
pub(crate) fn close(mask: &[bool], nx: usize, ny: usize) -> Vec<bool> {
    erode(&dilate(mask, nx, ny), nx, ny)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(rows: &[&str]) -> (Vec<bool>, usize, usize) {
        let nx = rows[0].len();
        let mask = rows
            .iter()
            .flat_map(|row| row.chars().map(|c| c == '#'))
            .collect();
        (mask, nx, rows.len())
    }

    #[test]
    fn a_ring_has_one_hole_and_an_open_ring_none_until_closed() {
        let (ring, nx, ny) = parse(&[".....", ".###.", ".#.#.", ".###.", "....."]);
        let hole = holes(&ring, nx, ny);
        assert_eq!(hole.iter().filter(|&&h| h).count(), 1);
        assert!(hole[2 + 5 * 2]);
        let (open, nx, ny) = parse(&[
            ".......", ".#####.", ".#...#.", ".#.....", ".#...#.", ".#####.", ".......",
        ]);
        assert!(!holes(&open, nx, ny).contains(&true));
        let closed = close(&open, nx, ny);
        assert!(holes(&closed, nx, ny).contains(&true));
    }

    #[test]
    fn diagonal_pixels_join_only_with_eight_connectivity() {
        let (mask, nx, ny) = parse(&["#..", ".#.", "..#"]);
        assert_eq!(components(&mask, nx, ny, false).1, 3);
        assert_eq!(components(&mask, nx, ny, true).1, 1);
    }
}
